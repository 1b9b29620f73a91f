//! The 31 opinions and questions of the dialogue conference, with their answers: fixed
//! texts the dialogue generator of the seed flow puts into every session.

use crate::domain::AskerGroup::{self, Chief, Women, Youth};
use crate::domain::DialogueTopic::{
    self, EmulationCommendation, GrassrootsSecurity, LogisticsTechnical, OrganisationPersonnel,
    PartyBuilding, Project06,
};

/// A question, who raises it and the answer given.
pub(crate) struct Question {
    pub topic: DialogueTopic,
    pub group: AskerGroup,
    pub text: &'static str,
    pub answer: &'static str,
}

const fn q(
    topic: DialogueTopic,
    group: AskerGroup,
    text: &'static str,
    answer: &'static str,
) -> Question {
    Question {
        topic,
        group,
        text,
        answer,
    }
}

/// 31 questions over the 6 topics (7, 6, 4, 6, 4, 4): 21 from chiefs, 6 from youth
/// and 4 from women's representatives.
pub(crate) const QUESTIONS: [Question; 31] = [
    q(
        GrassrootsSecurity,
        Chief,
        "Đề nghị hướng dẫn cơ chế phối hợp giữa Công an xã với Tổ bảo vệ an ninh, trật tự ở cơ sở sau khi Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở có hiệu lực.",
        "Công an xã chủ trì quản lý, huấn luyện và phân công nhiệm vụ cho Tổ bảo vệ an ninh, trật tự theo quy chế phối hợp mẫu; Phòng Tham mưu sẽ ban hành hướng dẫn thống nhất trong toàn tỉnh.",
    ),
    q(
        GrassrootsSecurity,
        Chief,
        "Việc tiếp nhận, giải quyết tin báo, tố giác tội phạm ở các xã xa trụ sở Công an huyện còn khó khăn; đề nghị hướng dẫn quy trình phân loại và chuyển giao.",
        "Công an xã tiếp nhận đầy đủ mọi tin báo, lập biên bản, xác minh ban đầu và chuyển Cơ quan điều tra Công an huyện trong thời hạn quy định; Phòng Tham mưu sẽ tổ chức tập huấn nghiệp vụ.",
    ),
    q(
        GrassrootsSecurity,
        Chief,
        "Đề nghị tăng cường lực lượng hỗ trợ Công an các xã ven biển trong mùa cao điểm du lịch và mùa mưa bão.",
        "Công an tỉnh chỉ đạo Công an cấp huyện xây dựng phương án điều động lực lượng cơ động hỗ trợ các xã trọng điểm theo từng thời điểm.",
    ),
    q(
        GrassrootsSecurity,
        Chief,
        "Tình trạng thanh thiếu niên tụ tập đua xe, gây rối trật tự ban đêm ở khu vực giáp ranh còn xảy ra; đề nghị có cơ chế tuần tra liên xã.",
        "Giao Công an cấp huyện chủ trì tổ chức tuần tra liên xã; Công an xã chủ động nắm tình hình, lập danh sách đối tượng, phối hợp nhà trường và gia đình giáo dục.",
    ),
    q(
        GrassrootsSecurity,
        Youth,
        "Đoàn viên thanh niên Công an xã tham gia tuyên truyền phòng, chống lừa đảo trên không gian mạng cho người dân như thế nào cho hiệu quả?",
        "Đoàn Thanh niên Công an tỉnh biên soạn tài liệu, video ngắn; đoàn viên tuyên truyền qua nhóm Zalo khu dân cư và các buổi sinh hoạt thôn, tổ dân phố.",
    ),
    q(
        GrassrootsSecurity,
        Chief,
        "Đề nghị hướng dẫn quản lý người sử dụng trái phép chất ma túy tại cộng đồng theo Luật Phòng, chống ma túy năm 2021.",
        "Công an xã lập hồ sơ quản lý, phối hợp trạm y tế xét nghiệm và báo cáo định kỳ; Phòng Tham mưu sẽ ban hành hướng dẫn thống nhất biểu mẫu.",
    ),
    q(
        GrassrootsSecurity,
        Women,
        "Nữ cán bộ Công an xã tham gia hòa giải mâu thuẫn gia đình, phòng, chống bạo lực gia đình cần phối hợp với Hội Phụ nữ xã ra sao?",
        "Công an xã ký quy chế phối hợp với Hội Liên hiệp Phụ nữ xã; nữ cán bộ tham gia tổ hòa giải và trực tiếp tiếp nhận phản ánh về bạo lực gia đình.",
    ),
    q(
        Project06,
        Chief,
        "Máy tính, thiết bị đọc thẻ căn cước phục vụ thu nhận hồ sơ ở một số xã đã xuống cấp; đề nghị cấp bổ sung.",
        "Công an tỉnh đã rà soát và sẽ cấp bổ sung máy tính, thiết bị đọc chip trong năm; trước mắt các xã báo cáo nhu cầu cụ thể về Phòng Tham mưu.",
    ),
    q(
        Project06,
        Chief,
        "Việc làm sạch dữ liệu dân cư đối với người đi làm ăn xa, không có mặt tại địa phương còn vướng mắc; đề nghị hướng dẫn.",
        "Công an xã xác minh qua thân nhân, phối hợp Công an nơi người dân đang cư trú để cập nhật; trường hợp không xác minh được thì ghi chú theo hướng dẫn của Bộ Công an.",
    ),
    q(
        Project06,
        Youth,
        "Nhiều người cao tuổi không có điện thoại thông minh nên khó kích hoạt tài khoản định danh điện tử mức 2; đoàn viên có thể hỗ trợ bằng cách nào?",
        "Hướng dẫn người dân dùng thiết bị của người thân để kích hoạt; tổ chức các điểm hỗ trợ lưu động tại nhà văn hóa thôn vào cuối tuần.",
    ),
    q(
        Project06,
        Chief,
        "Đề nghị kết nối dữ liệu dân cư với phần mềm quản lý lưu trú để giảm nhập liệu thủ công.",
        "Bộ Công an đang triển khai kết nối; trong thời gian chờ, Phòng Tham mưu sẽ hướng dẫn khai thác chức năng thông báo lưu trú trên ứng dụng VNeID.",
    ),
    q(
        Project06,
        Chief,
        "Chỉ tiêu tiến độ cấp căn cước ở các xã miền núi chưa phù hợp với điều kiện đi lại; đề nghị điều chỉnh.",
        "Công an tỉnh sẽ điều chỉnh chỉ tiêu theo đặc thù địa bàn và tăng cường tổ cấp căn cước lưu động đến các xã miền núi.",
    ),
    q(
        Project06,
        Women,
        "Hội viên phụ nữ có thể tham gia tuyên truyền lợi ích của định danh điện tử trong chi trả an sinh xã hội không dùng tiền mặt như thế nào?",
        "Phối hợp Hội Phụ nữ xã lồng ghép nội dung trong sinh hoạt chi hội; Công an xã cung cấp tài liệu và hỗ trợ trực tiếp tại các buổi chi trả.",
    ),
    q(
        PartyBuilding,
        Chief,
        "Số Trưởng Công an xã tham gia Ban Thường vụ Đảng ủy xã còn ít; đề nghị Đảng ủy Công an tỉnh phối hợp cấp ủy địa phương giới thiệu nhân sự.",
        "Đảng ủy Công an tỉnh đã đề nghị Ban Thường vụ các huyện ủy, thị ủy, thành ủy xem xét giới thiệu Trưởng Công an xã đủ tiêu chuẩn tham gia Ban Thường vụ Đảng ủy xã nhiệm kỳ tới.",
    ),
    q(
        PartyBuilding,
        Chief,
        "Đề nghị hướng dẫn việc sinh hoạt đảng của đảng viên Công an xã tại chi bộ Công an xã và tham gia hoạt động của Đảng ủy xã.",
        "Đảng viên sinh hoạt chính thức tại chi bộ Công an xã trực thuộc Đảng ủy xã; Phòng Tổ chức cán bộ sẽ phối hợp Ban Tổ chức Tỉnh ủy hướng dẫn cụ thể.",
    ),
    q(
        PartyBuilding,
        Youth,
        "Đoàn viên thanh niên Công an xã phấn đấu vào Đảng cần đáp ứng điều kiện gì và quy trình giới thiệu ra sao?",
        "Đoàn viên được Đoàn cơ sở giới thiệu, học lớp bồi dưỡng nhận thức về Đảng; chi bộ Công an xã xem xét, đề nghị Đảng ủy xã kết nạp theo quy định.",
    ),
    q(
        PartyBuilding,
        Chief,
        "Khi có biến động nhân sự, việc kiện toàn cấp ủy chi bộ Công an xã thực hiện theo trình tự nào?",
        "Đảng ủy xã quyết định chỉ định bổ sung cấp ủy chi bộ trên cơ sở đề nghị của chi bộ và ý kiến của Đảng ủy Công an huyện.",
    ),
    q(
        OrganisationPersonnel,
        Chief,
        "Đề nghị xem xét hỗ trợ nơi ở cho cán bộ, chiến sĩ Công an xã công tác xa nhà.",
        "Công an tỉnh đã tham mưu UBND tỉnh bố trí nhà công vụ; trong khi chờ, các xã bố trí phòng nghỉ tại trụ sở và hỗ trợ tiền thuê nhà theo quy định.",
    ),
    q(
        OrganisationPersonnel,
        Chief,
        "Phụ cấp đối với Công an xã ở địa bàn đặc biệt khó khăn hiện được áp dụng như thế nào?",
        "Cán bộ công tác tại xã đặc biệt khó khăn được hưởng phụ cấp thu hút và phụ cấp khu vực theo quy định; Phòng Tổ chức cán bộ sẽ rà soát để chi trả đầy đủ.",
    ),
    q(
        OrganisationPersonnel,
        Chief,
        "Đề nghị bố trí thêm biên chế cho Công an các phường đông dân cư, có nhiều khu công nghiệp.",
        "Công an tỉnh sẽ điều chỉnh biên chế theo quy mô dân số và tình hình an ninh, trật tự, ưu tiên các phường và xã trọng điểm trong đợt điều động tới.",
    ),
    q(
        OrganisationPersonnel,
        Women,
        "Nữ cán bộ Công an xã đang nuôi con nhỏ, công tác xa nhà có được xem xét điều động về gần nơi cư trú không?",
        "Phòng Tổ chức cán bộ sẽ rà soát, xem xét điều động nữ cán bộ nuôi con nhỏ về gần nơi cư trú khi có nhu cầu, bảo đảm biên chế của đơn vị.",
    ),
    q(
        OrganisationPersonnel,
        Chief,
        "Đề nghị làm rõ lộ trình luân chuyển Trưởng, Phó Trưởng Công an xã đã giữ chức vụ trên 5 năm ở một địa bàn.",
        "Việc luân chuyển thực hiện theo quy định của Bộ Công an; Công an tỉnh sẽ thông báo kế hoạch luân chuyển hằng năm để cán bộ chủ động.",
    ),
    q(
        OrganisationPersonnel,
        Youth,
        "Cán bộ trẻ Công an xã có cơ hội học tập, nâng cao trình độ như thế nào?",
        "Hằng năm Công an tỉnh xét cử cán bộ đi học đại học, sau đại học; cán bộ trẻ Công an xã được ưu tiên khi đáp ứng tiêu chuẩn.",
    ),
    q(
        EmulationCommendation,
        Chief,
        "Đề nghị tăng tỷ lệ khen thưởng cho Công an xã hoàn thành xuất sắc nhiệm vụ ở địa bàn phức tạp.",
        "Công an tỉnh sẽ điều chỉnh tiêu chí chấm điểm thi đua, có cơ chế ưu tiên Công an xã ở địa bàn trọng điểm, phức tạp về an ninh, trật tự.",
    ),
    q(
        EmulationCommendation,
        Chief,
        "Khen thưởng đột xuất cho tập thể, cá nhân Công an xã có thành tích trong đấu tranh, truy bắt tội phạm còn chậm.",
        "Phòng Tổ chức cán bộ sẽ rút ngắn thời gian xét khen thưởng đột xuất, trình trong 7 ngày làm việc kể từ khi nhận đủ hồ sơ.",
    ),
    q(
        EmulationCommendation,
        Women,
        "Đề nghị có hình thức khen thưởng riêng cho các mô hình do phụ nữ Công an xã thực hiện như \"Mẹ đỡ đầu\".",
        "Hội Phụ nữ Công an tỉnh sẽ phối hợp Phòng Tổ chức cán bộ đề xuất khen thưởng các tập thể, cá nhân tiêu biểu trong Chương trình \"Mẹ đỡ đầu\" hằng năm.",
    ),
    q(
        EmulationCommendation,
        Youth,
        "Phong trào thi đua \"Vì an ninh Tổ quốc\" ở cấp xã nên gắn với hoạt động của đoàn viên thanh niên như thế nào?",
        "Lồng ghép phong trào với các công trình thanh niên, hoạt động tình nguyện; kết quả hoạt động đoàn là một tiêu chí chấm điểm thi đua của Công an xã.",
    ),
    q(
        LogisticsTechnical,
        Chief,
        "Nhiều trụ sở tạm của Công an xã còn thiếu phương tiện chữa cháy ban đầu và công cụ hỗ trợ; đề nghị cấp bổ sung.",
        "Công an tỉnh sẽ cấp bổ sung bình chữa cháy, công cụ hỗ trợ theo định mức; các xã báo cáo số lượng cụ thể về Phòng Tham mưu để tổng hợp.",
    ),
    q(
        LogisticsTechnical,
        Chief,
        "Đề nghị đẩy nhanh tiến độ xây dựng trụ sở Công an xã theo mô hình mới ở các xã đã được phê duyệt.",
        "Công an tỉnh đã làm việc với các chủ đầu tư, phấn đấu đưa trụ sở mới của toàn bộ Công an xã vào sử dụng trong giai đoạn 2024 - 2025.",
    ),
    q(
        LogisticsTechnical,
        Chief,
        "Xe mô tô tuần tra của Công an xã đã cũ, chi phí sửa chữa lớn; đề nghị hỗ trợ kinh phí.",
        "Kinh phí sửa chữa phương tiện được phân bổ theo định mức; Công an tỉnh sẽ ưu tiên cấp mới phương tiện cho các xã miền núi có địa bàn rộng.",
    ),
    q(
        LogisticsTechnical,
        Youth,
        "Đề nghị trang bị đường truyền internet tốc độ cao tại trụ sở Công an xã để phục vụ Đề án 06 và họp trực tuyến.",
        "Phòng Tham mưu đã phối hợp doanh nghiệp viễn thông nâng cấp đường truyền; các xã chưa đạt tốc độ yêu cầu báo cáo để xử lý dứt điểm.",
    ),
];
